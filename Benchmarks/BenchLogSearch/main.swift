// bench-log-search: figure 6 of `make bench`, routing-log search on a large store (see LogSearchBench.swift).
import Glibc

exit(await LogSearchBench.main(Array(CommandLine.arguments.dropFirst())))
