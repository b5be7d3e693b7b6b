using LeadScoring.Tests.LocalHost;

/// <summary>The .NET startup hook (global namespace, by the runtime's rule): only does anything in
/// the child process of <see cref="LocalDurableChildHost"/>. A file of its own: the others are in a file-scoped namespace.</summary>
#pragma warning disable CA1050 // The runtime looks the hook up as the global type "StartupHook".
internal static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize()
    {
        if (LocalDurableChildHost.IsChild)
        {
            LocalDurableChildHost.RunChildAsync().GetAwaiter().GetResult();
        }
    }
}
