import Gateway

// Kept tiny on purpose (TECH.md §2.8): everything lives in the modules.
CommandLine.arguments.count > 0 ? () : ()
