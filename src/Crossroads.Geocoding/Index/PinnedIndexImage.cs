using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Crossroads.Geocoding.Index;

/// <summary>An index image held in a pinned array (indexes built in process, up to 2 GB): the GC never moves it.</summary>
internal sealed unsafe class PinnedIndexImage : IndexImage
{
    private readonly byte[] _bytes;

    public PinnedIndexImage(byte[] bytes)
    {
        _bytes = bytes;
    }

    /// <summary>Copies a written image into a pinned array.</summary>
    public static PinnedIndexImage From(ReadOnlySpan<byte> image)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(image.Length, pinned: true);
        image.CopyTo(bytes);
        return new PinnedIndexImage(bytes);
    }

    public override byte* Pointer => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_bytes));

    public override long Length => _bytes.LongLength;

    protected override void Release()
    {
        // The GC owns the array.
    }
}
