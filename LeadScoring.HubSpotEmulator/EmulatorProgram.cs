namespace LeadScoring.HubSpotEmulator;

/// <summary>Entry point. Not a top-level Program, so the test assembly can reference this exe next to another one.</summary>
internal static class EmulatorProgram
{
    internal static async Task<int> Main(string[] args)
    {
        var options = EmulatorArguments.Parse(args, out var error, out var help);
        if (help)
        {
            await Console.Out.WriteLineAsync(EmulatorArguments.Usage);
            return 0;
        }

        if (options is null)
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        await using var app = EmulatorApp.Build(options);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"Cannot listen on {options.Urls} (--urls): {e.Message}");
            return 1;
        }

        var address = EmulatorApp.Address(app);
        await Console.Out.WriteLineAsync(
            $"HubSpot emulator listening on {address} (portal {options.PortalId}, seed {options.Seed}, {options.Contacts} contacts, token '{options.AccessToken}'"
            + (options.WebhookUrl is null ? ", webhooks off)" : $", webhooks to {options.WebhookUrl.OriginalString})"));
        await app.WaitForShutdownAsync();
        return 0;
    }
}
