using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Configuration;

/// <summary>
/// Checks the data annotations of an options class and its nested classes and lists, phrasing each failure with the
/// full configuration key, its legacy alias and the value it got: <c>RoutingTable:MaxMetric (MAX_METRIC): must be between 1 and 2147483647, got 0</c>.
/// </summary>
internal sealed class AnnotatedOptionsValidator<TOptions>(string section, IReadOnlyList<ConfigurationAlias> aliases) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        Check(options, section, aliases, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(object options, string path, IReadOnlyList<ConfigurationAlias> aliases, List<string> failures)
    {
        foreach (var property in OptionsProperties.Of(options.GetType()))
        {
            object? value = property.GetValue(options);
            string key = path.Length == 0 ? property.Name : $"{path}:{property.Name}";
            string? alias = ConfigurationAliases.AliasOf(aliases, property.Name);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (!attribute.IsValid(value))
                {
                    string shown = alias is null ? key : $"{key} ({alias})";
                    failures.Add($"{shown}: {Describe(attribute, property.Name)}, got '{Convert.ToString(value, CultureInfo.InvariantCulture)}'");
                }
            }

            if (value is null || OptionsProperties.IsLeaf(property.PropertyType))
            {
                continue;
            }

            if (value is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Value is { } item && !OptionsProperties.IsLeaf(item.GetType()))
                    {
                        Check(item, $"{key}:{entry.Key}", [], failures);
                    }
                }
            }
            else if (value is IEnumerable list)
            {
                int index = 0;
                foreach (object? item in list)
                {
                    if (item is not null && !OptionsProperties.IsLeaf(item.GetType()))
                    {
                        Check(item, $"{key}:{index}", [], failures);
                    }

                    index++;
                }
            }
            else
            {
                Check(value, key, [], failures);
            }
        }
    }

    private static string Describe(ValidationAttribute attribute, string member) => attribute switch
    {
        RangeAttribute range => FormattableString.Invariant($"must be between {range.Minimum} and {range.Maximum}"),
        RequiredAttribute => "is required",
        MinLengthAttribute min => FormattableString.Invariant($"must have at least {min.Length} characters or items"),
        _ => attribute.FormatErrorMessage(member),
    };
}
