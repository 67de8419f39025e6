using System.Text.Json;

namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// A kept decision as read from the store: its JSON (the <c>GET /v1/decisions/{id}</c> body) and the members the
/// endpoints and <c>/v1/observe</c> need, read from that JSON. A copy: later writes to the store do not change it.
/// </summary>
public sealed class KeptDecision
{
    internal KeptDecision(byte[] json, int slot, int version)
    {
        Json = json;
        Slot = slot;
        Version = version;
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("attempts"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    AttemptCount++;
                    reader.Skip();
                }

                continue;
            }

            string? name = reader.ValueTextEquals("id"u8) ? nameof(Id)
                : reader.ValueTextEquals("policy"u8) ? nameof(Policy)
                : reader.ValueTextEquals("cluster"u8) ? nameof(Cluster)
                : reader.ValueTextEquals("served_by"u8) ? nameof(ServedBy)
                : reader.ValueTextEquals("outcome"u8) ? nameof(Outcome)
                : reader.ValueTextEquals("reward"u8) ? nameof(Reward)
                : reader.ValueTextEquals("observed_quality"u8) ? nameof(ObservedQuality)
                : null;
            reader.Read();
            switch (name)
            {
                case nameof(Id): Id = reader.GetString()!; break;
                case nameof(Policy): Policy = reader.GetString()!; break;
                case nameof(Cluster): Cluster = reader.GetString()!; break;
                case nameof(ServedBy): ServedBy = reader.GetString(); break;
                case nameof(Outcome): Outcome = reader.GetString()!; break;
                case nameof(Reward): Reward = reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble(); break;
                case nameof(ObservedQuality): ObservedQuality = reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble(); break;
                default: reader.Skip(); break;
            }
        }
    }

    /// <summary>The decision as <c>GET /v1/decisions/{id}</c> answers it (UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The decision id.</summary>
    public string Id { get; } = "";

    /// <summary>The policy's name.</summary>
    public string Policy { get; } = "";

    /// <summary>The prompt cluster.</summary>
    public string Cluster { get; } = "";

    /// <summary>How many attempts were made.</summary>
    public int AttemptCount { get; }

    /// <summary>The model that served (or partly served), if any.</summary>
    public string? ServedBy { get; }

    /// <summary>The outcome (<see cref="DecisionRecord.Outcome"/>).</summary>
    public string Outcome { get; } = "";

    /// <summary>The reward given to the learner (null when the policy learns nothing from it).</summary>
    public double? Reward { get; }

    /// <summary>Quality reported through <c>/v1/observe</c>.</summary>
    public double? ObservedQuality { get; }

    /// <summary>The slot it was read from.</summary>
    internal int Slot { get; }

    /// <summary>The slot's version when it was read: a replacement applies only if the slot is still at it.</summary>
    internal int Version { get; }
}
