namespace Crossroads.Geocoding.Index;

/// <summary>
/// The sections of an index file, by stable id (the numbers are part of the file format: never renumber, only add).
/// Each holds one array of fixed-size elements; "Bytes"/"Offsets" pairs are UTF-8 string pools (offsets are int64,
/// one more than the strings). See the Geocoding README, "Index file".
/// </summary>
internal enum IndexSection : uint
{
    DocIdBytes = 1,
    DocIdOffsets = 2,
    DocIdOrder = 3,
    DocType = 4,
    TypeBytes = 5,
    TypeOffsets = 6,
    NameStart = 7,
    NameBytes = 8,
    NameOffsets = 9,
    CityStart = 10,
    CityRefs = 11,
    PostcodeStart = 12,
    PostcodeRefs = 13,
    CitycodeStart = 14,
    CitycodeRefs = 15,
    ContextRef = 16,
    StringBytes = 17,
    StringOffsets = 18,
    LatE7 = 19,
    LonE7 = 20,
    XCm = 21,
    YCm = 22,
    Importance = 23,
    ExtrasBytes = 24,
    ExtrasOffsets = 25,

    HnStart = 30,
    HnRaw = 31,
    HnKey = 32,
    HnIdSuffixBytes = 33,
    HnIdSuffixOffsets = 34,
    HnIdShared = 35,
    HnLatE7 = 36,
    HnLonE7 = 37,
    HnXCm = 38,
    HnYCm = 39,

    TermBytes = 50,
    TermOffsets = 51,
    PostingStart = 52,
    PostingDoc = 53,
    PostingBoost = 54,
    MaxBoost = 55,
    TopStart = 56,
    TopDoc = 57,
    PairStart = 58,
    PairTerm = 59,

    CellKey = 70,
    CellDoc = 71,

    GridCellKeys = 80,
    GridCellStart = 81,
    GridPoints = 82,
}
