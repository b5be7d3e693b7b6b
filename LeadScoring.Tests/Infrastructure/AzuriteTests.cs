namespace LeadScoring.Tests.Infrastructure;

[TestFixture]
public sealed class AzuriteTests
{
    [Test]
    public async Task ConnectionString_TableEndpoint_AnswersHttp()
    {
        var connection = await Azurite.ConnectionStringAsync();
        var table = connection.Split(';').Single(p => p.StartsWith("TableEndpoint=", StringComparison.Ordinal))["TableEndpoint=".Length..];

        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(table + "/Tables"));

        // Unauthenticated: Azurite answers (403/401), which proves the emulator is up on the chosen port.
        Assert.That((int)response.StatusCode, Is.InRange(200, 499));
    }
}
