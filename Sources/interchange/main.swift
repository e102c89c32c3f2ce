// Kept to one line on purpose (TECH.md §2.8): top-level code here is @MainActor; everything lives in CLI.
CLI.main()
