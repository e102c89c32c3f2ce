// bench-sink: a fast counting HTTP sink for `make bench` (see Sink.swift).
import Glibc

exit(Sink.main(Array(CommandLine.arguments.dropFirst())))
