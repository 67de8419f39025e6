namespace Crossroads.Geocoding.Index;

/// <summary>
/// The bytes of an index file in memory at a fixed address: a memory-mapped file (<see cref="MappedIndexImage"/>) or a
/// pinned array for indexes built in process (<see cref="PinnedIndexImage"/>). Columns point into it, so it must
/// outlive every search: the <see cref="GeocoderIndex"/> holds it and keeps itself alive through each call; the
/// memory is released when no index refers to it any more (finalizer), or explicitly by <see cref="IDisposable.Dispose"/>
/// when the owner knows no reader is left.
/// </summary>
internal abstract unsafe class IndexImage : IDisposable
{
    public abstract byte* Pointer { get; }

    public abstract long Length { get; }

    public ReadOnlySpan<byte> Bytes(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Length)
        {
            throw new InvalidDataException("index file: a section lies outside the file");
        }
        return new ReadOnlySpan<byte>(Pointer + offset, length);
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    protected abstract void Release();
}
