// The `reel` command: `reel serve` runs the host; `reel plugin ...` talks to a running one.
ReelCommand.main()
