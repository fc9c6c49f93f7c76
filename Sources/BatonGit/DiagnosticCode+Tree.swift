import BatonManifest

extension DiagnosticCode {
    /// A tree entry whose name is not one plain path component (`..`, `.git` in any case,
    /// empty, or holding `/` or `\`), anywhere in a commit's tree. Git writes such names
    /// with `hash-object --literally`; exported, they would write outside the run's tree.
    public static let unsafePath = DiagnosticCode(rawValue: "unsafe-path")
    /// A path of a commit's tree that cannot be exported on this machine: a component over
    /// 255 bytes (`NAME_MAX`), or a path over `PATH_MAX` (4096 bytes) once placed under
    /// the state directory's `trees/` folder. Every run of such a commit would fail.
    public static let pathTooLong = DiagnosticCode(rawValue: "path-too-long")
}
