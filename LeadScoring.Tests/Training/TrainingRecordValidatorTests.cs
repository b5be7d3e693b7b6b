using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training;

namespace LeadScoring.Tests.Training;

[TestFixture]
public sealed class TrainingRecordValidatorTests
{
    private static TrainingRecordInput Valid() => new()
    {
        ContactId = "51",
        Classification = "Ideal",
        Score = 90,
        Attributes = ["industry", "meetings"],
        Notes = "Strong champion",
    };

    [Test]
    public void Validate_ValidInput_HasNoErrors()
    {
        var errors = TrainingRecordValidator.Validate(Valid(), TimeProvider.System.GetUtcNow(), out var classification);

        Assert.That(errors, Is.Empty);
        Assert.That(classification, Is.EqualTo(TrainingClassification.Ideal));
    }

    [TestCase("Less Ideal", TrainingClassification.LessIdeal)]
    [TestCase("lessideal", TrainingClassification.LessIdeal)]
    [TestCase("IDEAL", TrainingClassification.Ideal)]
    public void Validate_ClassificationSpellings_AreAccepted(string text, TrainingClassification expected)
    {
        var input = Valid();
        input.Classification = text;

        Assert.That(TrainingRecordValidator.Validate(input, TimeProvider.System.GetUtcNow(), out var classification), Is.Empty);
        Assert.That(classification, Is.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> BadInputs()
    {
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => { i.ContactId = null; i.Features = null; }), "contactId").SetName("NeitherContactNorFeatures");
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => i.ContactId = "ada@example.com"), "contactId").SetName("ContactIdNotDigits");
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => i.Classification = null), "classification").SetName("ClassificationMissing");
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => i.Classification = "Great"), "classification").SetName("ClassificationUnknown");
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => i.Score = null), "score").SetName("ScoreMissing");
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => i.Score = 101), "score").SetName("ScoreTooHigh");
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => i.Attributes = ["industry", "vibes"]), "attributes[1]").SetName("AttributeUnknown");
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => i.Notes = new string('x', 2001)), "notes").SetName("NotesTooLong");
        yield return new TestCaseData(new Action<TrainingRecordInput>(i => i.Features = new LeadFeatures { EmailOpens = -1 }), "features.emailOpens").SetName("FeaturesInvalid");
    }

    [TestCaseSource(nameof(BadInputs))]
    public void Validate_BadInput_NamesTheField(Action<TrainingRecordInput> spoil, string field)
    {
        var input = Valid();
        spoil(input);

        var errors = TrainingRecordValidator.Validate(input, TimeProvider.System.GetUtcNow(), out _);

        Assert.That(errors.Select(e => e.Field), Does.Contain(field));
    }
}
