using System.IO.MemoryMappedFiles;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// An index file mapped read-only. The pages are the file's page cache: they are shared between processes, loaded on
/// first touch (so opening costs no read of the file) and reclaimable by the kernel. The file may be renamed over or
/// deleted while mapped: the mapping keeps the old inode until it is released.
/// </summary>
internal sealed unsafe class MappedIndexImage : IndexImage
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    private MappedIndexImage(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        Length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + view.PointerOffset;
    }

    ~MappedIndexImage()
    {
        Release();
    }

    public override byte* Pointer => _pointer;

    public override long Length { get; }

    public static MappedIndexImage Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        MemoryMappedFile? file = null;
        try
        {
            var length = stream.Length;
            if (length < IndexFileFormat.FixedHeaderBytes)
            {
                throw new InvalidDataException($"index file {path}: {length} bytes, too short for a header");
            }
            file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new MappedIndexImage(file, view, length);
        }
        catch
        {
            if (file is null)
            {
                stream.Dispose();
            }
            else
            {
                file.Dispose();
            }
            throw;
        }
    }

    protected override void Release()
    {
        // The view and file handles are critical-finalizable SafeHandles, still valid when this finalizer runs.
        if (_pointer == null)
        {
            return;
        }
        _pointer = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
