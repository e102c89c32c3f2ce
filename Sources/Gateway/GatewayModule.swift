/// Namespace for the gateway pipeline.
public enum GatewayModule {}
