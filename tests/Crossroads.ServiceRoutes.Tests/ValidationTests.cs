namespace Crossroads.ServiceRoutes.Tests;

public sealed class ValidationTests
{
    public static TheoryData<string?> BadNames => new()
    {
        "team a",
        "",
        null,
        new string('a', 64),
        "-x",
        ".x",
        "_x",
        "a/b",
        "caf\u00e9",
        "team\n",
        "tab\t",
        "a:b",
    };

    public static TheoryData<string> GoodNames => new()
    {
        "a",
        "Z",
        "0",
        new string('a', 63),
        "a.b_c-d",
        "v1.2.3",
        "Team-A",
    };

    public static TheoryData<string?> BadUrls => new()
    {
        "not a url",
        "ftp://x",
        "http://",
        "",
        null,
        "/relative/path",
        "billing.internal:8080",
        "mailto:ops@example.com",
        "file:///etc/passwd",
        "http://host name/",
        " http://host/",
        "http://host/\n",
    };

    public static TheoryData<string> GoodUrls => new()
    {
        "http://a",
        "https://billing.acme.internal:8443/api/v1?x=1&y=2",
        "http://10.0.0.1:8080",
        "http://[::1]:80/",
        "http://h/" + new string('p', RouteValidation.MaxUrlLength - "http://h/".Length),
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public void Bad_names_are_refused_naming_the_field(string? name)
    {
        var error = RouteValidation.CheckName("service", name);

        Assert.NotNull(error);
        Assert.Equal("service", error.Field);
        Assert.StartsWith("service: must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$, got ", error.ToString(), StringComparison.Ordinal);
        Assert.False(RouteValidation.IsValidName(name));
    }

    [Theory]
    [MemberData(nameof(GoodNames))]
    public void Good_names_pass(string name)
    {
        Assert.Null(RouteValidation.CheckName("tenant", name));
        Assert.True(RouteValidation.IsValidName(name));
    }

    [Fact]
    public void A_name_error_quotes_the_value()
    {
        var errors = RouteValidation.Validate(new RouteKey("team a", "billing", "prod", "v1"));

        var error = Assert.Single(errors);
        Assert.Equal("tenant: must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$, got 'team a'", error.ToString());
    }

    [Fact]
    public void A_long_value_is_quoted_shortened()
    {
        var error = RouteValidation.CheckName("version", new string('x', 5000));

        Assert.NotNull(error);
        Assert.Contains("(5000 characters)", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 250, error.Message);
    }

    [Theory]
    [MemberData(nameof(BadUrls))]
    public void Bad_urls_are_refused_naming_the_field(string? url)
    {
        var error = RouteValidation.CheckUrl(url);

        Assert.NotNull(error);
        Assert.Equal("url", error.Field);
        Assert.StartsWith("url: must be an absolute http or https URL with a host, got ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_longer_than_2048_characters_is_refused_with_its_length()
    {
        string url = "http://h/" + new string('p', RouteValidation.MaxUrlLength + 1 - "http://h/".Length);

        var error = RouteValidation.CheckUrl(url);

        Assert.Equal(2049, url.Length);
        Assert.NotNull(error);
        Assert.Equal("url: must be at most 2048 characters, got 2049", error.ToString());
    }

    [Theory]
    [MemberData(nameof(GoodUrls))]
    public void Good_urls_pass(string url) => Assert.Null(RouteValidation.CheckUrl(url));

    [Fact]
    public void Every_invalid_field_of_a_route_is_reported_in_order()
    {
        var errors = RouteValidation.Validate(new RouteKey("team a", "billing", "-prod", new string('v', 64)), "ftp://x");

        Assert.Equal(["tenant", "env", "version", "url"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Validation_exception_lists_every_error()
    {
        var exception = new RouteValidationException([new ValidationError("tenant", "bad"), new ValidationError("url", "worse")]);

        Assert.Equal("tenant: bad; url: worse", exception.Message);
        Assert.Equal(2, exception.Errors.Count);
        Assert.IsAssignableFrom<ArgumentException>(exception);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    [InlineData(-5, false)]
    public void Limits_are_1_to_1000(int limit, bool valid) => Assert.Equal(valid, RouteValidation.CheckLimit(limit) is null);

    [Fact]
    public void Actor_is_required_and_correlation_id_optional()
    {
        Assert.Equal("changed_by", RouteValidation.CheckActor("")?.Field);
        Assert.Equal("changed_by", RouteValidation.CheckActor(null)?.Field);
        Assert.Equal("changed_by", RouteValidation.CheckActor(new string('a', 257))?.Field);
        Assert.Null(RouteValidation.CheckActor("deploy-bot"));
        Assert.Null(RouteValidation.CheckCorrelationId(null));
        Assert.Equal("correlation_id", RouteValidation.CheckCorrelationId("a\u0000b")?.Field);
    }

    [Fact]
    public void Split_weights_need_valid_versions_weights_of_1_to_100_and_a_sum_of_100()
    {
        static string[] Check(Dictionary<string, int>? weights) => [.. RouteValidation.CheckWeights(weights).Select(e => e.ToString())];

        Assert.Empty(Check(new() { ["v1"] = 90, ["v2"] = 10 }));
        Assert.Empty(Check(new() { ["v1"] = 100 }));
        Assert.Equal(["weights: must sum to 100, got 101"], Check(new() { ["v1"] = 90, ["v2"] = 11 }));
        Assert.Equal(["weights.v2: must be between 1 and 100, got 0"], Check(new() { ["v1"] = 100, ["v2"] = 0 }));
        Assert.Equal(["weights.v1: must be between 1 and 100, got 101", "weights.v2: must be between 1 and 100, got -1"], Check(new() { ["v2"] = -1, ["v1"] = 101 }));
        Assert.Equal(["weights: version must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$, got '-v'"], Check(new() { ["-v"] = 100 }));
        Assert.Equal(["weights: must map 1 to 100 versions to weights, got 0"], Check([]));
        Assert.Equal(["weights: must map 1 to 100 versions to weights, got 0"], Check(null));
        Assert.Single(Check(Enumerable.Range(0, 101).ToDictionary(i => $"v{i}", _ => 1)));
    }

    [Fact]
    public void Split_weights_compare_by_value_and_print_as_canonical_json()
    {
        var a = new SplitWeights(new Dictionary<string, int> { ["v2"] = 10, ["V1"] = 40, ["v1"] = 50 });
        var b = new SplitWeights([KeyValuePair.Create("v1", 50), KeyValuePair.Create("V1", 40), KeyValuePair.Create("v2", 10)]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new SplitWeights(new Dictionary<string, int> { ["v1"] = 60, ["v2"] = 40 }));
        Assert.Equal("{\"V1\":40,\"v1\":50,\"v2\":10}", a.ToJson());
        Assert.Equal(["V1", "v1", "v2"], a.Keys);
    }

    [Fact]
    public void Route_key_prints_as_a_path() =>
        Assert.Equal("acme/billing/prod/v1.2", new RouteKey("acme", "billing", "prod", "v1.2").ToString());

    [Fact]
    public void Audit_actions_are_the_four_words()
    {
        Assert.Equal(["created", "updated", "activated", "deactivated"], AuditActions.All);
        Assert.True(AuditActions.IsKnown("deactivated"));
        Assert.False(AuditActions.IsKnown("Created"));
        Assert.False(AuditActions.IsKnown(null));
    }
}
