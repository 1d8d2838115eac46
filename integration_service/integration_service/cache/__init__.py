"""The service's tenant-isolated Redis cache: stats and invalidation by pattern."""
