using System.Buffers.Binary;

namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// A decision id: 32 lowercase hex digits, as before (they were a version-7 GUID's), now the decision's slot in the
/// store (4 bytes, big-endian) and 12 random bytes. The slot makes a lookup one array index, with no dictionary whose
/// nodes would outlive each request; the 96 random bits (the GUID had 74) keep ids unguessable and tell a kept decision
/// from the earlier ones that used its slot.
/// </summary>
internal readonly record struct DecisionId(int Slot, ulong High, ulong Low)
{
    private const int Bytes = 16;

    /// <summary>A new id in <paramref name="slot"/>.</summary>
    public static string Create(int slot)
    {
        Span<byte> bytes = stackalloc byte[Bytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, slot);
        RandomPool.Fill(bytes[4..]);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// Reads an id made by <see cref="Create"/> for a store of <paramref name="capacity"/> slots. Anything else (other
    /// length, a non-hex or uppercase digit, a slot out of range) is no id: lookups of it find nothing.
    /// </summary>
    public static bool TryParse(string? text, int capacity, out DecisionId id)
    {
        id = default;
        Span<byte> bytes = stackalloc byte[Bytes];
        if (text is null || text.Length != 2 * Bytes || text.AsSpan().ContainsAnyInRange('A', 'F')
            || Convert.FromHexString(text, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        int slot = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if ((uint)slot >= (uint)capacity)
        {
            return false;
        }

        id = new DecisionId(slot, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        return true;
    }
}
