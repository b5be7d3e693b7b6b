using LeadScoring.Core.Security;

namespace LeadScoring.Tests.Settings;

[TestFixture]
public sealed class ApiKeyRingTests
{
    private const string Setting = "LEAD_SCORE_API_KEYS";

    [Test]
    public void RoleOf_EachConfiguredKey_ReturnsItsRole()
    {
        var ring = ApiKeyRing.Parse("Admin=admin-key-0123456789; manager=manager-key-012345;Rep=rep-key-0123456789ab;Marketing=mkt-key-0123456789ab;Rep=rep-key-rotated-000000", Setting, out var errors);

        Assert.That(errors, Is.Empty);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ring.Count, Is.EqualTo(5));
            Assert.That(ring.RoleOf("admin-key-0123456789"), Is.EqualTo(AccessRole.Admin));
            Assert.That(ring.RoleOf("manager-key-012345"), Is.EqualTo(AccessRole.Manager));
            Assert.That(ring.RoleOf("rep-key-0123456789ab"), Is.EqualTo(AccessRole.Rep));
            Assert.That(ring.RoleOf("rep-key-rotated-000000"), Is.EqualTo(AccessRole.Rep));
            Assert.That(ring.RoleOf("mkt-key-0123456789ab"), Is.EqualTo(AccessRole.Marketing));
        }
    }

    [TestCase("")]
    [TestCase(null)]
    [TestCase("ADMIN-KEY-0123456789")]
    [TestCase("admin-key-012345678")]
    [TestCase("admin-key-0123456789 ")]
    public void RoleOf_UnknownKey_ReturnsNull(string? presented)
    {
        var ring = ApiKeyRing.Parse("Admin=admin-key-0123456789", Setting, out _);

        Assert.That(ring.RoleOf(presented), Is.Null);
    }

    [TestCase("Admin", "must look like Role=key")]
    [TestCase("Owner=owner-key-0123456789", "unknown role 'Owner'")]
    [TestCase("1=admin-key-0123456789", "unknown role '1'")]
    [TestCase("Admin=short", "at least 16 characters")]
    [TestCase("Admin=admin-key-0123456789;Manager=admin-key-0123456789", "repeats a key")]
    public void Parse_BadEntry_NamesSettingWithoutEchoingKeys(string value, string expected)
    {
        ApiKeyRing.Parse(value, Setting, out var errors);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Field, Is.EqualTo(Setting));
        Assert.That(errors[0].Message, Does.Contain(expected));
        Assert.That(errors[0].Message, Does.Not.Contain("0123456789").And.Not.Contain("short"));
    }
}
