using LeadScoring.Core.HubSpot;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeadScoring.Tests.HubSpot;

/// <summary>Each HubSpot tuning setting with a bad value fails at start-up with an error naming its environment variable.</summary>
[TestFixture]
public sealed class HubSpotClientOptionsValidatorTests
{
    [Test]
    public void Defaults_AreValid() => Assert.That(HubSpotClientOptionsValidator.Check(new HubSpotClientOptions()), Is.Empty);

    [TestCase("RequestsPer10Seconds", "0")]
    [TestCase("RequestsPer10Seconds", "-5")]
    [TestCase("RequestsPer10Seconds", "2000000")]
    [TestCase("RateBudgetShare", "0")]
    [TestCase("RateBudgetShare", "1.5")]
    [TestCase("RealTimeReservePer10Seconds", "-1")]
    [TestCase("RealTimeReservePer10Seconds", "90")]
    [TestCase("SearchRequestsPerSecond", "0")]
    [TestCase("MaxAttempts", "0")]
    [TestCase("MaxAttempts", "11")]
    [TestCase("RetryBaseDelay", "00:00:00")]
    [TestCase("RateLimitedDelay", "01:00:00")]
    [TestCase("SearchRateLimitedDelay", "-00:00:01")]
    [TestCase("AttemptTimeout", "00:00:00.001")]
    [TestCase("TotalTimeout", "2.00:00:00")]
    [TestCase("MinHedgingDelay", "00:00:00")]
    [TestCase("HedgingDelay", "00:00:00.100")]
    public void BadValue_FailsAtStartUp_NamingTheSetting(string setting, string value)
    {
        var options = Resolve(new() { [$"HubSpot:{setting}"] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => _ = options.Value)!;
        Assert.That(failure.Failures, Has.Exactly(1).StartsWith($"HubSpot__{setting}: ").And.Contains($"(got "), string.Join("\n", failure.Failures));
    }

    [TestCase("MaxAttempts", "abc")]
    [TestCase("RequestsPer10Seconds", "1e3")]
    [TestCase("RateBudgetShare", "ninety")]
    [TestCase("AttemptTimeout", "10 seconds")]
    public void ValueThatDoesNotParse_FailsAtStartUp_NamingTheVariableAndTheValue(string setting, string value)
    {
        var options = Resolve(new() { [$"HubSpot:{setting}"] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => _ = options.Value)!;
        Assert.That(failure.Failures, Has.Exactly(1).StartsWith($"HubSpot__{setting}: must be ").And.Contains($"(got '{value}')"), string.Join("\n", failure.Failures));
    }

    [Test]
    public void OneAttempt_MeansNoRetry_AndIsAccepted()
    {
        var options = Resolve(new() { ["HubSpot:MaxAttempts"] = "1" });

        Assert.That(options.Value.MaxAttempts, Is.EqualTo(1));
        Assert.DoesNotThrow(() => Build(new() { ["HubSpot:MaxAttempts"] = "1" }).GetRequiredService<HubSpotClient>(), "the client is built without a retry strategy");
    }

    private static IOptions<HubSpotClientOptions> Resolve(Dictionary<string, string?> values) =>
        Build(values).GetRequiredService<IOptions<HubSpotClientOptions>>();

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddOptions<Core.Settings.LeadScoringSettings>();
        services.AddHubSpotClient(o => o.AccessToken = "pat-test");
        return services.BuildServiceProvider();
    }
}
