enum ReelPostgresPlaceholder {}
