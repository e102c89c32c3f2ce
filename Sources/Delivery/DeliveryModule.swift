/// Namespace for outbound delivery over libcurl.
public enum DeliveryModule {}
