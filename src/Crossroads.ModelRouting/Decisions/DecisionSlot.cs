namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// One place of the decision ring: the id and the JSON of the decision it holds, in a buffer reused by every later
/// decision of the slot, so a kept decision is no new object for the collector to copy (the object graphs were most of
/// each gen0 pause). A sequence lock guards it: a writer makes the version odd for the copy of a few hundred bytes; a
/// reader takes no lock, copies, and reads again if the version moved meanwhile, so readers never hold up the
/// request path's writes.
/// </summary>
internal sealed class DecisionSlot
{
    /// <summary>Room left after a decision, so a longer score (<c>/v1/observe</c>) rarely needs a new buffer.</summary>
    private const int Slack = 64;

    private int _version;
    private ulong _idHigh;
    private ulong _idLow;
    private byte[]? _buffer;
    private int _length;
    private int _scoreOffset;

    /// <summary>Holds <paramref name="json"/> as the decision <paramref name="id"/> from now on; <paramref name="scoreOffset"/> is where its score members begin.</summary>
    public void Write(DecisionId id, ReadOnlySpan<byte> json, int scoreOffset)
    {
        Enter();
        try
        {
            var buffer = _buffer;
            if (buffer is null || buffer.Length < json.Length)
            {
                buffer = _buffer = new byte[Size(json.Length)];
            }

            json.CopyTo(buffer);
            _length = json.Length;
            _scoreOffset = scoreOffset;
            _idHigh = id.High;
            _idLow = id.Low;
        }
        finally
        {
            Volatile.Write(ref _version, _version + 1);
        }
    }

    /// <summary>A copy of the JSON of decision <paramref name="id"/>, if the slot holds it, and the version it was read at.</summary>
    public bool TryRead(DecisionId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? json, out int version)
    {
        var spin = default(SpinWait);
        while (true)
        {
            int before = Volatile.Read(ref _version);
            if ((before & 1) == 0)
            {
                bool same = _idHigh == id.High && _idLow == id.Low;
                var buffer = _buffer;
                int length = _length;

                // A torn read (a writer started meanwhile) may pair a length with another buffer: copy nothing then.
                byte[]? copy = same && buffer is not null && (uint)length <= (uint)buffer.Length ? buffer.AsSpan(0, length).ToArray() : null;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _version) == before)
                {
                    json = copy;
                    version = before;
                    return copy is not null;
                }
            }

            spin.SpinOnce();
        }
    }

    /// <summary>
    /// Replaces the score members (<paramref name="score"/>: <c>,"reward":…,"observed_quality":…}</c>) if the slot was
    /// not written since it was read at <paramref name="version"/>; then <paramref name="json"/> is the new document.
    /// </summary>
    public bool TryReplaceScore(int version, ReadOnlySpan<byte> score, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? json)
    {
        json = null;
        if ((version & 1) != 0 || Interlocked.CompareExchange(ref _version, version + 1, version) != version)
        {
            return false;
        }

        try
        {
            var buffer = _buffer!;
            int length = _scoreOffset + score.Length;
            if (buffer.Length < length)
            {
                var larger = new byte[Size(length)];
                buffer.AsSpan(0, _scoreOffset).CopyTo(larger);
                buffer = _buffer = larger;
            }

            score.CopyTo(buffer.AsSpan(_scoreOffset));
            _length = length;
            json = buffer.AsSpan(0, length).ToArray();
            return true;
        }
        finally
        {
            Volatile.Write(ref _version, version + 2);
        }
    }

    /// <summary>Takes the slot for a write: even version → odd.</summary>
    private void Enter()
    {
        var spin = default(SpinWait);
        while (true)
        {
            int version = Volatile.Read(ref _version);
            if ((version & 1) == 0 && Interlocked.CompareExchange(ref _version, version + 1, version) == version)
            {
                return;
            }

            spin.SpinOnce();
        }
    }

    private static int Size(int length) => (length + Slack + 255) & ~255;
}
