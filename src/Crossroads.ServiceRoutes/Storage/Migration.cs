namespace Crossroads.ServiceRoutes.Storage;

/// <summary>One schema step: applied once, in version order, recorded in <c>schema_migrations</c>.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
