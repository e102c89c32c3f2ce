/// Namespace for the durable store (SQLite, later PostgreSQL).
public enum StoreModule {}
