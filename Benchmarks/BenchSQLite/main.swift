// bench-sqlite: the raw durable-admission baseline for `make bench` (see RawAdmission.swift).
import Glibc

exit(await RawAdmission.main(Array(CommandLine.arguments.dropFirst())))
