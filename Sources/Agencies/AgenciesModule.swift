/// Namespace for the agency adapters, one folder per agency kind.
public enum AgenciesModule {}
