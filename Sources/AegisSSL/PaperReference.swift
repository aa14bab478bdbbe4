// The paper's own numbers (Chen et al., CVPR 2020, "Adversarial Robustness: From Self-Supervised
// Pre-Training to Fine-Tuning": CIFAR-10, ResNet-50v2, ε = 8/255, PGD-20 RA; the P1F4, per-task
// P3F4 and two ensemble results as issue 12 quotes them), so the study's report can put its
// paired gains next to the paper's. The only typed-in numbers of the report: the reference,
// not results.

public enum PaperReference {
  public struct Row: Sendable {
    /// The study's group name for the same model ("P1F4", "selfie P3F4", …).
    public var group: String
    public var label: String
    /// Fractions, as the study's records hold them.
    public var sa: Double
    public var ra: Double
  }

  public static let setting = "CIFAR-10, ResNet-50v2, ε = 8/255, PGD-20"

  public static let rows: [Row] = [
    Row(group: "P1F4", label: "P1F4 (adversarial training from scratch)", sa: 0.8472, ra: 0.4722),
    Row(group: "selfie P3F4", label: "Selfie P3F4", sa: 0.8602, ra: 0.5105),
    Row(group: "rotation P3F4", label: "Rotation P3F4", sa: 0.8566, ra: 0.5004),
    Row(group: "jigsaw P3F4", label: "Jigsaw P3F4", sa: 0.8374, ra: 0.4883),
    Row(group: "task-ensemble P3F4", label: "task-ensemble pretraining → F4", sa: 0.8300, ra: 0.5222),
    Row(group: "model-ensemble P3F4", label: "ensemble of the fine-tuned P3F4 models", sa: 0.8604, ra: 0.5464),
  ]

  public static var baseline: Row { rows[0] }
}
