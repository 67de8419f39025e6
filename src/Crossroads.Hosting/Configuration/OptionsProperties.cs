using System.Reflection;

namespace Crossroads.Hosting.Configuration;

/// <summary>Which properties of an options class are settings: the ones the configuration binder fills.</summary>
internal static class OptionsProperties
{
    /// <summary>Public instance properties that are settable, or get-only collections and classes the binder fills in place.</summary>
    public static IEnumerable<PropertyInfo> Of(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.GetIndexParameters().Length == 0 && p.CanRead && (p.SetMethod is { IsPublic: true } || !IsLeaf(p.PropertyType)));

    /// <summary>A value the binder converts from one string (numbers, text, enums, booleans, time spans).</summary>
    public static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);
    }
}
