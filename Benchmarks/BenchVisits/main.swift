// bench-visits: hospital visit ingest load for `make bench` figure 5 (see VisitLoad.swift).
import Glibc

exit(await VisitLoad.main(Array(CommandLine.arguments.dropFirst())))
