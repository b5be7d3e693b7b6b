using System.Net;
using LeadScoring.Tests.Host;

namespace LeadScoring.Tests.Dashboard;

/// <summary>The four roles' keys of <see cref="TestHost"/>, and the session cookie a role key is exchanged for.</summary>
internal static class DashboardCallers
{
    public static readonly string[] Roles = ["Admin", "Manager", "Rep", "Marketing"];

    public static string KeyOf(string role) => role switch
    {
        "Admin" => TestHost.AdminKey,
        "Manager" => TestHost.ManagerKey,
        "Rep" => TestHost.RepKey,
        "Marketing" => TestHost.MarketingKey,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>Signs in with the role's key; returns the Cookie header value (sent by hand: it is Secure and the test host is plain HTTP).</summary>
    public static async Task<string> SignInAsync(HttpClient client, string role)
    {
        using var response = await client.PostAsync("/api/auth/sign-in", new StringContent($"{{\"key\":\"{KeyOf(role)}\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("leadscoring.session=", StringComparison.Ordinal));
        return setCookie.Split(';')[0];
    }
}
