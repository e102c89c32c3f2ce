/// Namespace for the simulated agencies.
public enum SimulatorsModule {}
