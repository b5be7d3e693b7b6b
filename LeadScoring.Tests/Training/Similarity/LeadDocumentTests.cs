using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training.Similarity;

namespace LeadScoring.Tests.Training.Similarity;

[TestFixture]
public sealed class LeadDocumentTests
{
    [Test]
    public void ToText_FullLead_WritesEveryTokenInCanonicalOrder() =>
        Assert.That(LeadDocument.ToText(SimilarityLeads.Full), Is.EqualTo(
            "industry:COMPUTER_SOFTWARE country:DE stage:salesqualifiedlead source:REFERRALS employees:b8 revenue:b14 opens:b4 " +
            "clicks:b3 replies:b2 meetingsbooked:b2 meetings:b2 calls:b3 callsconnected:b2 engagements:b5 act7:b2 act30:b3 " +
            "act90:b4 responsehours:b3 lastseen:b2 deals:b3 won:b2 lost:b1 winrate:b6 dealsize:b6 cycle:b6 industrywinrate:b2 stageprob:b6"));

    [Test]
    public void ToText_EqualLeads_GiveEqualText() =>
        Assert.That(LeadDocument.ToText(SimilarityLeads.Full with { }, "Same note."), Is.EqualTo(LeadDocument.ToText(SimilarityLeads.Full, "Same note.")));

    [Test]
    public void ToText_NothingKnown_IsEmpty() =>
        Assert.That(LeadDocument.ToText(new LeadFeatures(), notes: "  ;; "), Is.Empty);

    [Test]
    public void ToText_InvalidValues_AreOmittedNotThrown()
    {
        var lead = new LeadFeatures
        {
            Industry = "   ",
            EmployeeCount = -5,
            AnnualRevenue = double.NaN,
            MedianResponseHours = double.PositiveInfinity,
            IndustryWinRate = 1.5,
            DealsWon = 0,
            DealsLost = 0,
            LastEngagementAt = SimilarityLeads.AsOf,
        };

        // No AsOf, so no lastseen: the text never reads the clock. No closed deal, so no winrate.
        Assert.That(LeadDocument.ToText(lead), Is.EqualTo("won:b0 lost:b0"));
    }

    [Test]
    public void ToText_Notes_FollowAsLowerCaseWordsWithoutPunctuation() =>
        Assert.That(
            LeadDocument.ToText(new LeadFeatures { Country = "us" }, "Wants SSO; budget: 50k!  Champion = [email] (CTO)."),
            Is.EqualTo("country:US wants sso budget 50k champion email cto"));

    [Test]
    public void ToText_CategoryWithSpacesAndColons_StaysOneToken() =>
        Assert.That(
            LeadDocument.ToText(new LeadFeatures { Industry = " Computer Software:SaaS ", LifecycleStage = "Sales Qualified" }),
            Is.EqualTo("industry:COMPUTER_SOFTWARE_SAAS stage:sales_qualified"));

    [TestCase(0, 0)]
    [TestCase(0.9, 0)]
    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 2)]
    [TestCase(4, 3)]
    [TestCase(255, 8)]
    [TestCase(256, 9)]
    [TestCase(1e30, 60)]
    public void Log2Bucket_Boundaries_ArePowersOfTwo(double value, int bucket) =>
        Assert.That(LeadDocument.Log2Bucket(value), Is.EqualTo(bucket));

    [TestCase(0, 0)]
    [TestCase(0.099, 0)]
    [TestCase(0.1, 1)]
    [TestCase(0.95, 9)]
    [TestCase(1, 9)]
    public void DecileBucket_Boundaries_AreTenths(double rate, int bucket) =>
        Assert.That(LeadDocument.DecileBucket(rate), Is.EqualTo(bucket));
}
