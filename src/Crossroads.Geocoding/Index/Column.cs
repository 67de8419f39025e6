using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// A read-only column of fixed-size values inside the index image (a memory-mapped file or a pinned array). It is a
/// pointer and a length so that the search reads the mapping directly, with no copy and no bounds check in release
/// builds: the image is validated once when it is opened (section sizes against the header), and every index into
/// a column comes from another column of the same image. The owner of the memory is the <see cref="GeocoderIndex"/>
/// that holds the column; its methods keep it alive for the duration of each call.
/// </summary>
internal readonly unsafe struct Column<T>
    where T : unmanaged
{
    private readonly T* _items;

    public Column(T* items, int length)
    {
        _items = items;
        Length = length;
    }

    public int Length { get; }

    public long LongLength => Length;

    public T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            Debug.Assert((uint)index < (uint)Length, "column index out of range");
            return _items[index];
        }
    }

    public ReadOnlySpan<T> Span => new(_items, Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<T> Slice(int start, int length)
    {
        Debug.Assert(start >= 0 && length >= 0 && start + length <= Length, "column slice out of range");
        return new ReadOnlySpan<T>(_items + start, length);
    }
}
