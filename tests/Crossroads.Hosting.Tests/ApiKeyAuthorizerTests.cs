using System.Net;
using Crossroads.Hosting.Auth;
using Crossroads.Hosting.Tests.Infrastructure;

namespace Crossroads.Hosting.Tests;

/// <summary>The access policy without HTTP: covers remote addresses a loopback test client cannot produce.</summary>
public sealed class ApiKeyAuthorizerTests
{
    private static readonly ApiKeyStore NoKeys = new([]);

    private static readonly ApiKeyStore TwoKeys = new(
    [
        new ApiKeyEntry { Name = "alice", Sha256 = ChassisServer.Sha256Hex("secret-alice") },
        new ApiKeyEntry { Name = "bob", Sha256 = ChassisServer.Sha256Hex("secret-bob").ToUpperInvariant() },
    ]);

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Without_keys_a_write_from_a_remote_address_is_forbidden_and_says_why(string address)
    {
        var decision = new ApiKeyAuthorizer(NoKeys, requireKeyForReads: false).Decide(AccessKind.Write, null, IPAddress.Parse(address));
        Assert.Equal(403, decision.StatusCode);
        Assert.Contains("loopback", decision.Detail);
        Assert.Contains("Auth:ApiKeys", decision.Detail);
    }

    [Fact]
    public void Without_keys_a_write_with_an_unknown_remote_address_is_forbidden()
    {
        var decision = new ApiKeyAuthorizer(NoKeys, requireKeyForReads: false).Decide(AccessKind.Write, null, null);
        Assert.Equal(403, decision.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Without_keys_a_write_from_loopback_is_allowed(string address)
    {
        var decision = new ApiKeyAuthorizer(NoKeys, requireKeyForReads: false).Decide(AccessKind.Write, null, IPAddress.Parse(address));
        Assert.True(decision.IsAllowed);
        Assert.Null(decision.KeyName);
    }

    [Fact]
    public void Without_keys_reads_from_anywhere_are_allowed()
    {
        Assert.True(new ApiKeyAuthorizer(NoKeys, requireKeyForReads: false).Decide(AccessKind.Read, null, IPAddress.Parse("10.1.2.3")).IsAllowed);
    }

    [Fact]
    public void With_keys_the_matching_entry_name_is_returned_for_either_hex_case()
    {
        var authorizer = new ApiKeyAuthorizer(TwoKeys, requireKeyForReads: false);
        Assert.Equal("alice", authorizer.Decide(AccessKind.Write, "secret-alice", IPAddress.Parse("10.1.2.3")).KeyName);
        Assert.Equal("bob", authorizer.Decide(AccessKind.Write, "secret-bob", IPAddress.Parse("10.1.2.3")).KeyName);
    }

    [Fact]
    public void With_keys_a_missing_key_is_401_and_a_wrong_key_is_403_even_from_loopback()
    {
        var authorizer = new ApiKeyAuthorizer(TwoKeys, requireKeyForReads: false);
        Assert.Equal(401, authorizer.Decide(AccessKind.Write, null, IPAddress.Loopback).StatusCode);
        Assert.Equal(403, authorizer.Decide(AccessKind.Write, "secret-alice ", IPAddress.Loopback).StatusCode);
        Assert.Equal(403, authorizer.Decide(AccessKind.Read, "nope", IPAddress.Loopback).StatusCode);
        Assert.True(authorizer.Decide(AccessKind.Read, null, IPAddress.Loopback).IsAllowed);
    }

    [Fact]
    public void RequireKeyForReads_makes_reads_without_key_401()
    {
        var authorizer = new ApiKeyAuthorizer(TwoKeys, requireKeyForReads: true);
        Assert.Equal(401, authorizer.Decide(AccessKind.Read, null, IPAddress.Loopback).StatusCode);
        Assert.Equal("alice", authorizer.Decide(AccessKind.Read, "secret-alice", IPAddress.Loopback).KeyName);
    }

    [Fact]
    public void Long_and_non_ascii_keys_are_hashed_not_rejected()
    {
        var authorizer = new ApiKeyAuthorizer(TwoKeys, requireKeyForReads: false);
        Assert.Equal(403, authorizer.Decide(AccessKind.Write, new string('x', 5000), IPAddress.Loopback).StatusCode);
        Assert.Equal(403, authorizer.Decide(AccessKind.Write, "ключ", IPAddress.Loopback).StatusCode);
    }
}
