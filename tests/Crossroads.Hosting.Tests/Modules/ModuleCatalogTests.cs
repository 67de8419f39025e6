using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Tests.Modules;

/// <summary>The central registry: names, meters and event-id ranges never collide, and the chassis keeps to its range.</summary>
public sealed class ModuleCatalogTests
{
    [Fact]
    public void No_two_modules_or_the_chassis_share_an_event_id_range()
    {
        var ranges = ModuleCatalog.All.Select(static m => (m.Name, m.EventIds)).Append(("chassis", ModuleCatalog.ChassisEventIds)).ToList();
        Assert.Empty(Overlaps(ranges));
    }

    [Fact]
    public void The_overlap_check_catches_a_module_claiming_another_modules_range()
    {
        var ranges = ModuleCatalog.All.Select(static m => (m.Name, m.EventIds)).Append(("Intruder", new EventIdRange(2500, 3500))).ToList();
        var overlaps = Overlaps(ranges);
        Assert.Contains("RoutingTable 2000-2999 / Intruder 2500-3500", overlaps);
        Assert.Contains("ServiceRoutes 3000-3999 / Intruder 2500-3500", overlaps);
    }

    [Fact]
    public void Names_meters_and_log_categories_are_unique_and_follow_the_module_name()
    {
        Assert.Equal(ModuleCatalog.All.Count, ModuleCatalog.All.Select(static m => m.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var module in ModuleCatalog.All)
        {
            Assert.Equal("Crossroads." + module.Name, module.MeterName);
            Assert.Equal("Crossroads." + module.Name, module.LogCategory);
            Assert.Equal(module.Name, module.SectionName);
            Assert.Equal($"Modules:{module.Name}:Enabled", module.EnabledKey);
        }
    }

    [Fact]
    public void Every_chassis_log_message_uses_an_event_id_in_the_chassis_range_and_no_id_twice()
    {
        var ids = EventIds(typeof(CrossroadsHost).Assembly);
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(ModuleCatalog.ChassisEventIds.Contains(id.Id), $"{id.Method} uses event id {id.Id}, outside {ModuleCatalog.ChassisEventIds}"));
        Assert.Empty(ids.GroupBy(static i => i.Id).Where(static g => g.Count() > 1).Select(static g => g.Key));
    }

    /// <summary>Every <c>[LoggerMessage]</c> event id declared in <paramref name="assembly"/>, with the method that declares it.</summary>
    public static List<(int Id, string Method)> EventIds(Assembly assembly, string? namespacePrefix = null) =>
    [
        .. assembly.GetTypes()
            .Where(t => namespacePrefix is null || t.Namespace?.StartsWith(namespacePrefix, StringComparison.Ordinal) == true)
            .SelectMany(static t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(static m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(static x => x.Attribute is not null)
            .Select(static x => (x.Attribute!.EventId, $"{x.Method.DeclaringType!.Name}.{x.Method.Name}")),
    ];

    private static List<string> Overlaps(List<(string Name, EventIdRange Range)> ranges)
    {
        var overlaps = new List<string>();
        for (int i = 0; i < ranges.Count; i++)
        {
            for (int j = i + 1; j < ranges.Count; j++)
            {
                if (ranges[i].Range.Overlaps(ranges[j].Range))
                {
                    overlaps.Add($"{ranges[i].Name} {ranges[i].Range} / {ranges[j].Name} {ranges[j].Range}");
                }
            }
        }

        return overlaps;
    }
}
