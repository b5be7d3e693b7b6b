using LeadScoring.LocalHost;

namespace LeadScoring.Tests.Infrastructure;

/// <summary>The shared support project (LeadScoring.Testing) refuses bad input with an error naming what is wrong.</summary>
public sealed class SupportProjectTests
{
    [Test]
    public void HostProcess_SettingsWithoutUrls_ThrowsNamingUrls()
    {
        var error = Assert.ThrowsAsync<ArgumentException>(() =>
            HostProcess.StartAsync(typeof(LocalFunctionsHost).Assembly.Location, Path.GetTempPath(), new Dictionary<string, string?>()));
        Assert.That(error!.Message, Does.Contain("'urls'"));
    }

    [TestCase("")]
    [TestCase("not an address")]
    [TestCase("/tmp/host")]
    public void HostProcess_UrlsNotAnHttpAddress_ThrowsNamingUrls(string urls)
    {
        var error = Assert.ThrowsAsync<ArgumentException>(() =>
            HostProcess.StartAsync(typeof(LocalFunctionsHost).Assembly.Location, Path.GetTempPath(), new Dictionary<string, string?> { ["urls"] = urls }));
        Assert.That(error!.Message, Does.Contain($"'urls' ('{urls}')"));
    }

    [Test]
    public void AzuriteProcess_CheckoutWithoutNodeModules_ThrowsSayingNpmCi()
    {
        var empty = Directory.CreateTempSubdirectory("leadscoring-no-azurite-").FullName;
        try
        {
            var error = Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteProcess.StartAsync(repositoryRoot: empty));
            Assert.That(error!.Message, Does.Contain("Azurite is not installed").And.Contain("npm ci"));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Test]
    public async Task Ports_Free_IsNotListenedOn()
    {
        var port = Ports.Free();
        Assert.That(await Ports.AcceptsAsync(port), Is.False);
    }
}
