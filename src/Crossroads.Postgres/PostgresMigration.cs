namespace Crossroads.Postgres;

/// <summary>One schema step: applied once, in version order, recorded in the module's migrations table.</summary>
public sealed record PostgresMigration(int Version, string Name, string Sql);
