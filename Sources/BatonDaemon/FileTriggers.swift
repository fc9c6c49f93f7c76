import BatonEngine
import BatonManifest
import BatonStore
import Foundation
import Logging

/// Starts a run per new file in the folders pipelines watch (`triggers` with `path`).
///
/// Kept like the scheduler's book: loaded at start, after each applied pass and when the CLI
/// leaves a suspension or a resume in the store. Each (pipeline, trigger path) is a watch.
/// The first time one is watched (a new pipeline, a trigger whose path changed) the files
/// already there are its baseline, recorded as seen in one store transaction: a commit never
/// starts a run per historical file. A watch that is no longer live (trigger removed or
/// changed, pipeline retired) is forgotten with its baseline, so watching it again later
/// takes a new one. The baseline is taken once per watch, so files that arrive while the
/// daemon is down run at its next start.
///
/// A file is new when its trigger key (path, device, inode, mtime: `RunRecord.fileTriggerKey`)
/// is not seen; it starts once its size and mtime have stood still for `settle` (checked once
/// more just before), through `StateStore.createFileRun`, which records the run and the seen
/// mark in one transaction: one run per file version whatever crashes and rescans happen. A
/// file rewritten or replaced after its run is a new version and runs again.
///
/// While a pipeline is suspended (its manifest or an operator) its files wait, unseen, and
/// run after it is resumed.
///
/// inotify says which folders changed (`InotifyReader`, on a thread of its own); every folder
/// is also listed again every `min(settle, 10 s)` for what inotify misses (a full event
/// queue, a folder created later, NFS). Listing and `lstat` run off the cooperative pool.
public actor FileTriggers {
    struct WatchKey: Hashable, Sendable, Comparable {
        var pipeline: String
        var path: String
        static func < (lhs: WatchKey, rhs: WatchKey) -> Bool { (lhs.pipeline, lhs.path) < (rhs.pipeline, rhs.path) }
    }

    struct Watch: Sendable {
        var versionID: Int64
        var trigger: FileTrigger
        var parameters: [Parameter]
        var suspended: Bool
        /// Trigger keys of the baseline and of the files that got their run.
        var seen: Set<String>
        var book = SettleBook()
        /// Files that settled while the pipeline was suspended, logged once each.
        var waiting: Set<String> = []
    }

    /// A live trigger as the manifests and suspensions say.
    struct Wanted: Sendable {
        var versionID: Int64
        var trigger: FileTrigger
        var parameters: [Parameter]
        var suspended: Bool
    }

    let store: any StateStore
    let requests: VersionRequests
    let logger: Logger
    let now: @Sendable () -> Date
    let start: @Sendable ([RunRecord]) async -> Void
    /// The longest time between two listings of a folder.
    let rescanLimit: TimeInterval
    private let wakeup = Wakeup()
    private var watches: [WatchKey: Watch] = [:]
    private var versions: [String: (versionID: Int64, model: Pipeline)] = [:]
    private var reader: InotifyReader?
    private var alarms: [String: ThrottledAlarm] = [:]
    /// Watches whose folder exists but could not be listed for their baseline.
    private var pending: [WatchKey: Wanted] = [:]
    private var listEverything = true
    private var nextRescan = Date.distantPast

    /// `start` hands created runs to the run supervisor (which starts them at once).
    public init(store: any StateStore, requests: VersionRequests, logger: Logger, rescanLimit: TimeInterval = 10,
                now: @escaping @Sendable () -> Date = { Date() }, start: @escaping @Sendable ([RunRecord]) async -> Void) {
        self.store = store
        self.requests = requests
        self.logger = logger
        self.rescanLimit = rescanLimit
        self.now = now
        self.start = start
    }

    /// How many (pipeline, path) watches are live.
    public var count: Int { watches.count }

    /// Brings the watches up to date with the store's live pipelines and suspensions: takes
    /// the baseline of new watches, forgets the ones no longer live.
    public func reload(_ pipelines: LivePipelines) async throws(StoreError) {
        let records = pipelines.records
        let suspended = pipelines.suspended
        var wanted: [WatchKey: Wanted] = [:]
        var unreadable: Set<String> = []
        var nextVersions: [String: (versionID: Int64, model: Pipeline)] = [:]
        for record in records where record.state == .active {
            let model: Pipeline
            if let known = versions[record.name], known.versionID == record.currentVersionID {
                model = known.model
            } else {
                do { (_, model) = try await requests.pipeline(versionID: record.currentVersionID) } catch {
                    // Its watches stay as they were (not forgotten): the next reload tries again.
                    logger.error("cannot read a pipeline's file triggers; its watches stay as they were", metadata: ["pipeline": "\(record.name)", "error": "\(error.message)"])
                    unreadable.insert(record.name)
                    if let known = versions[record.name] { nextVersions[record.name] = known }
                    continue
                }
            }
            nextVersions[record.name] = (record.currentVersionID, model)
            for trigger in model.fileTriggers {
                wanted[WatchKey(pipeline: record.name, path: trigger.path)] = Wanted(
                    versionID: record.currentVersionID, trigger: trigger, parameters: model.parameters, suspended: model.suspend || suspended.contains(record.name))
            }
        }
        versions = nextVersions

        let stored = Set(try await store.fileWatches().map { WatchKey(pipeline: $0.pipeline, path: $0.path) })
        for key in stored.union(watches.keys).sorted() where wanted[key] == nil && !unreadable.contains(key.pipeline) {
            try await store.forgetFileWatch(pipeline: key.pipeline, path: key.path)
            if watches.removeValue(forKey: key) != nil {
                logger.info("file trigger no longer watched", metadata: ["pipeline": "\(key.pipeline)", "path": "\(key.path)"])
            }
        }
        pending = [:]
        for key in wanted.keys.sorted() {
            guard let want = wanted[key] else { continue }
            if watches[key] != nil {
                watches[key]?.versionID = want.versionID
                watches[key]?.trigger = want.trigger
                watches[key]?.parameters = want.parameters
                watches[key]?.suspended = want.suspended
                continue
            }
            try await begin(key, want, baselineTaken: stored.contains(key))
        }
        updateInotify()
        listEverything = true
        wakeup.poke()
    }

    /// Starts watching `key`, first taking its baseline unless it was taken before. A folder
    /// that does not exist gets an empty baseline (whatever appears in it is new); one that
    /// exists but cannot be listed (permissions) waits in `pending` and is tried again at each
    /// rescan, since an empty baseline would run every file already there once it can.
    private func begin(_ key: WatchKey, _ want: Wanted, baselineTaken: Bool) async throws(StoreError) {
        if !baselineTaken {
            let keys: [String]
            switch await list(want.trigger) {
            case .success(let files):
                keys = files.map { $0.value.triggerKey(path: $0.key) }
            case .failure(let error):
                alarm(want.trigger.directory).failed("cannot list a watched folder; trying again at the next rescan", metadata: [
                    "pipeline": "\(key.pipeline)", "directory": "\(want.trigger.directory)", "error": "\(error.message)",
                ])
                guard error.missing else {
                    pending[key] = want
                    return
                }
                keys = []
            }
            try await store.takeFileBaseline(FileWatchRecord(pipeline: key.pipeline, path: key.path, baselineAt: now()), fileKeys: keys)
            logger.info("file trigger watching; files already there start nothing", metadata: [
                "pipeline": "\(key.pipeline)", "path": "\(key.path)", "baseline": "\(keys.count)",
            ])
        }
        pending[key] = nil
        let seen = try await store.seenFiles(pipeline: key.pipeline, path: key.path)
        watches[key] = Watch(versionID: want.versionID, trigger: want.trigger, parameters: want.parameters, suspended: want.suspended, seen: seen)
    }

    /// Watches folders, lists them and starts runs, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await step()
            await wakeup.sleep(until: nextDeadline())
        }
        reader?.stop()
        reader = nil
    }

    /// One look: lists the folders that changed (all of them when a rescan is due), then
    /// starts the files that settled.
    func step() async {
        let changes = reader?.take() ?? InotifyReader.Changes()
        let time = now()
        var directories = changes.directories
        if listEverything || changes.overflowed || time >= nextRescan {
            listEverything = false
            nextRescan = time.addingTimeInterval(rescanInterval)
            for (key, want) in pending.sorted(by: { $0.key < $1.key }) {
                do throws(StoreError) { try await begin(key, want, baselineTaken: false) } catch {
                    logger.error("cannot record a file trigger's baseline; trying again at the next rescan", metadata: ["pipeline": "\(key.pipeline)", "path": "\(key.path)", "error": "\(error.message)"])
                }
            }
            directories = Set(watches.values.map(\.trigger.directory))
            updateInotify()
        }
        for key in watches.keys.sorted() {
            guard let watch = watches[key], directories.contains(watch.trigger.directory) else { continue }
            let listing = await list(watch.trigger)
            let seenAt = now()
            switch listing {
            case .success(let files):
                alarms[watch.trigger.directory]?.recovered("a watched folder can be listed again", metadata: ["directory": "\(watch.trigger.directory)"])
                guard let seen = watches[key]?.seen else { continue }
                watches[key]?.book.observe(listing: files.filter { !seen.contains($0.value.triggerKey(path: $0.key)) }, at: seenAt)
            case .failure(let error):
                alarm(watch.trigger.directory).failed("cannot list a watched folder; trying again at the next rescan", metadata: [
                    "pipeline": "\(key.pipeline)", "directory": "\(watch.trigger.directory)", "error": "\(error.message)",
                ])
            }
        }
        for key in watches.keys.sorted() {
            guard let watch = watches[key] else { continue }
            if watch.suspended {
                for path in watch.book.due(at: now(), settle: watch.trigger.settle.seconds) where !watch.waiting.contains(path) {
                    watches[key]?.waiting.insert(path)
                    logger.info("a file settled while its pipeline is suspended; it runs after the resume", metadata: ["pipeline": "\(key.pipeline)", "file": "\(path)"])
                }
                continue
            }
            for path in watch.book.due(at: now(), settle: watch.trigger.settle.seconds) {
                let facts = await FileScan.offPool { FileScan.facts(of: path) }
                guard let current = watches[key], !current.suspended else { break }
                guard let facts, current.book.candidates[path]?.facts == facts else {
                    // It changed (or went) at the last moment: it settles again from now.
                    watches[key]?.book.observe(path, facts: facts, at: now())
                    continue
                }
                await fire(key, path: path, facts: facts)
            }
        }
    }

    /// Records the run of a settled file and hands it to the supervisor.
    private func fire(_ key: WatchKey, path: String, facts: FileFacts) async {
        guard let watch = watches[key] else { return }
        let triggerKey = facts.triggerKey(path: path)
        let time = now()
        var run = RunRecord(pipeline: key.pipeline, versionID: watch.versionID, scheduledAt: nil, trigger: .file, state: .queued,
                            createdAt: time, triggerKey: triggerKey)
        do throws(EngineError) {
            run.parameters = try RunParameters.resolve(watch.parameters, given: [watch.trigger.parameter: path])
        } catch {
            // Recorded, so the gap is seen rather than skipped (another required parameter).
            run.state = .failed
            run.finishedAt = time
            run.reason = "not started: \(error.message)"
        }
        let created: RunRecord?
        do { created = try await store.createFileRun(run, watch: key.path) } catch {
            // Left unseen: the next listing finds it again and it settles once more.
            watches[key]?.book.remove(path)
            logger.error("cannot record the run of a new file; trying again at the next rescan", metadata: [
                "pipeline": "\(key.pipeline)", "file": "\(path)", "error": "\(error.message)",
            ])
            return
        }
        watches[key]?.seen.insert(triggerKey)
        watches[key]?.book.remove(path)
        watches[key]?.waiting.remove(path)
        guard let created else { return }
        logger.info("a file arrived; run recorded", metadata: [
            "pipeline": "\(key.pipeline)", "run": "\(created.id ?? 0)", "file": "\(path)", "state": "\(created.state.rawValue)",
        ])
        if created.state == .queued { await start([created]) }
    }

    /// Between two listings of every folder: `min(settle, rescanLimit)` of the quickest
    /// trigger, and never under 250 ms.
    private var rescanInterval: TimeInterval {
        let quickest = (watches.values.map(\.trigger.settle.seconds) + pending.values.map(\.trigger.settle.seconds)).min() ?? rescanLimit
        return max(0.25, min(quickest, rescanLimit))
    }

    private func nextDeadline() -> Date? {
        guard !watches.isEmpty || !pending.isEmpty else { return nil }
        var deadline = nextRescan
        for watch in watches.values where !watch.suspended {
            if let due = watch.book.nextDue(settle: watch.trigger.settle.seconds) { deadline = min(deadline, due) }
        }
        return deadline
    }

    private func list(_ trigger: FileTrigger) async -> Result<[String: FileFacts], FileScanError> {
        await FileScan.offPool { () -> Result<[String: FileFacts], FileScanError> in
            do throws(FileScanError) { return .success(try FileScan.files(in: trigger.directory, matching: trigger.pattern)) } catch { return .failure(error) }
        }
    }

    /// Watches the live folders with inotify (again, for a folder that was missing), and
    /// stops watching the others.
    private func updateInotify() {
        if reader == nil, !watches.isEmpty {
            let wakeup = self.wakeup
            reader = InotifyReader { wakeup.poke() }
            if reader == nil { logger.warning("inotify is not available; watched folders are only listed every few seconds") }
        }
        guard let reader else { return }
        let directories = Set(watches.values.map(\.trigger.directory))
        for directory in reader.watched.subtracting(directories) { reader.unwatch(directory) }
        for directory in directories { _ = reader.watch(directory) }
    }

    private func alarm(_ directory: String) -> ThrottledAlarm {
        if let alarm = alarms[directory] { return alarm }
        let alarm = ThrottledAlarm(logger: logger, every: .seconds(600))
        alarms[directory] = alarm
        return alarm
    }
}
