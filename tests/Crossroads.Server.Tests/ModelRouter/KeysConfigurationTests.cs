namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Keys and tenants are validated at start: a bad value stops the start naming the key (the chassis turns it into its one-line exit 2).</summary>
public sealed class KeysConfigurationTests
{
    [Theory]
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:BudgetPeriod=weekly", "ModelRouter:Tenants:0:BudgetPeriod")]
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:Pii=mask", "ModelRouter:Tenants:0:Pii")]
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:Pii=redact --ModelRouter:Tenants:0:PiiKinds:0=email --ModelRouter:Tenants:0:PiiKinds:1=names", "ModelRouter:Tenants:0:PiiKinds:1")]
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:PiiKinds:0=email", "ModelRouter:Tenants:0:PiiKinds")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:Pii=hide", "ModelRouter:Keys:0:Pii")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:PiiKinds:0=email", "ModelRouter:Keys:0:PiiKinds")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:Pii=block --ModelRouter:Keys:0:PiiRestore=true", "ModelRouter:Keys:0:PiiRestore")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:Pii=redact --ModelRouter:Keys:0:PiiKinds:0=mail", "ModelRouter:Keys:0:PiiKinds:0")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:Tenant=acne", "ModelRouter:Keys:0:Tenant")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:1:Name=ci", "ModelRouter:Keys:1:Name")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:BudgetPeriod=yearly", "ModelRouter:Keys:0:BudgetPeriod")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:Rpm=0", "ModelRouter:Keys:0:Rpm")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:BudgetUsd=-1", "ModelRouter:Keys:0:BudgetUsd")]
    [InlineData("--ModelRouter:Keys:0:Name=ci --ModelRouter:Keys:0:BudgetUsd=-0.4", "ModelRouter:Keys:0:BudgetUsd")] // an int range would round it to 0
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:BudgetUsd=-0.4", "ModelRouter:Tenants:0:BudgetUsd")]
    [InlineData("--ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:BudgetUsd=3000000000.5", "ModelRouter:Tenants:0:BudgetUsd")]
    [InlineData("--ModelRouter:ReservationTimeoutSeconds=60 --ModelRouter:Tenants:0:Id=acme --ModelRouter:Tenants:0:BudgetUsd=1", "ModelRouter:ReservationTimeoutSeconds")]
    [InlineData("--ModelRouter:Routing:Cooldown:WindowSeconds=0", "ModelRouter:Routing:Cooldown:WindowSeconds")]
    [InlineData("--ModelRouter:Routing:Cooldown:AllowedFails=0", "ModelRouter:Routing:Cooldown:AllowedFails")]
    [InlineData("--ModelRouter:SharedRateLimits:Mode=always", "ModelRouter:SharedRateLimits:Mode")]
    [InlineData("--ModelRouter:SharedRateLimits:SyncMs=5", "ModelRouter:SharedRateLimits:SyncMs")]
    [InlineData("--ModelRouter:BudgetLeases:FlushMs=5", "ModelRouter:BudgetLeases:FlushMs")]
    [InlineData("--ModelRouter:BudgetLeases:MaxUsd=0", "ModelRouter:BudgetLeases:MaxUsd")]
    [InlineData("--ModelRouter:BudgetLeases:GraceSeconds=0", "ModelRouter:BudgetLeases:GraceSeconds")]
    [InlineData("--ModelRouter:BudgetLeases:FlushMs=5000 --ModelRouter:BudgetLeases:GraceSeconds=5", "ModelRouter:BudgetLeases:GraceSeconds")]
    [InlineData("--ModelRouter:BudgetLeases:Enabled=maybe", "ModelRouter:BudgetLeases:Enabled")]
    public async Task An_invalid_key_or_tenant_setting_stops_the_start_naming_it(string settings, string key)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(settings.Split(' ')));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}
