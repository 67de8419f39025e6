using Microsoft.AspNetCore.Routing;

namespace Crossroads.Hosting.Tests.Infrastructure;

/// <summary>A module with a background load the tests finish by hand, and the endpoints of <see cref="ChassisServer"/>.</summary>
public sealed class TestModule : CrossroadsModule
{
    public const string Name = "Items";

    public static readonly ModuleIdentity Id = new(Name, new EventIdRange(9000, 9099));

    public override ModuleIdentity Identity => Id;

    public override bool LoadsInBackground => true;

    public override void AddServices(ModuleServices module)
    {
    }

    public override void MapEndpoints(IEndpointRouteBuilder group) => ChassisServer.MapTestEndpoints(group);
}
