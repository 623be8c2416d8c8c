import ArgumentParser

/// Benchmark helpers, kept out of the `reel` executable (which then links no
/// libav): `reel-bench transcode SOURCE OUTDIR` for `tools/bench transcode`.
struct ReelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reel-bench",
        abstract: "Reel's benchmark helpers (tools/bench).",
        subcommands: [Transcode.self])
}

ReelBench.main()
