using LeadScoring.Tests.Infrastructure;

/// <summary>
/// Stops what the test run started (Azurite) when the run ends, pass or fail. In the global namespace so that it
/// wraps every test of the assembly.
/// </summary>
[SetUpFixture]
#pragma warning disable CA1050 // NUnit applies a set-up fixture to its namespace; the global one covers the assembly.
public sealed class TestRunLifetime
#pragma warning restore CA1050
{
    [OneTimeTearDown]
    public async Task StopSharedServices() => await Azurite.StopAsync();
}
