namespace Crossroads.ServiceRoutes.Storage;

internal enum WriteKind
{
    Upsert,
    Activate,
    Deactivate,
    PutSplit,
    DeleteSplit,
}
