using Crossroads.Server;

return await CrossroadsApp.RunAsync(args).ConfigureAwait(false);
