import Foundation

/// Whether a pipeline is in the live state.
public enum PipelineState: String, Sendable, Hashable, Codable, CaseIterable {
    case active
    /// Its manifest was removed: no new runs; history kept; re-adding the name revives it.
    case retired
}

/// A pipeline's identity (its name) and which of its versions is current.
public struct PipelineRecord: Sendable, Hashable, Codable {
    public var name: String
    public var state: PipelineState
    public var currentVersionID: Int64
    /// The current version's number (1, 2, …) for people.
    public var version: Int
    /// The spec hash of the current version: what a plan compares against.
    public var specHash: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(name: String, state: PipelineState, currentVersionID: Int64, version: Int, specHash: String, createdAt: Date, updatedAt: Date) {
        self.name = name
        self.state = state
        self.currentVersionID = currentVersionID
        self.version = version
        self.specHash = specHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
