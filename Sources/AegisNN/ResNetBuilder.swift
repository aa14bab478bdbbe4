// Pre-activation ResNets. Depth picks the layout:
//   8/14/20 → three stages of 1/2/3 basic blocks, widths w, 2w, 4w (8 = the anchors'
//   PreActResNetMini: names stem, stage1…3, bn, fc); 18/34 → four basic stages;
//   50 → ResNet-50v2 of the paper: bottlenecks [3, 4, 6, 3], names conv1, bn1, layer1…4, linear,
//   no final BN-ReLU (method.md §2).
// The backbone (θp) is every stage but the last; the head is the last stage + pooling + linear.
// Activations are stored in `layout` (ActivationLayout.preferred by default: blocked, or
// channels-last for widths that are not multiples of 16) from the stem's output to the pooling;
// the stem reads the images as `layout.imageLayout` says.

import AegisTensor

struct ResNetLayout {
  let blocks: [Int]
  let bottleneck: Bool
  var isPaperStyle: Bool { blocks.count == 4 }

  init?(depth: Int) {
    switch depth {
    case 8: blocks = [1, 1, 1]; bottleneck = false
    case 14: blocks = [2, 2, 2]; bottleneck = false
    case 20: blocks = [3, 3, 3]; bottleneck = false
    case 18: blocks = [2, 2, 2, 2]; bottleneck = false
    case 34: blocks = [3, 4, 6, 3]; bottleneck = false
    case 50: blocks = [3, 4, 6, 3]; bottleneck = true
    default: return nil
    }
  }
}

extension ModelBuilder {
  static func resnetParts(_ c: ModelConfig, layout: ActivationLayout, rng: inout RandomGenerator, headOutputs: Int? = nil)
    throws -> (backbone: Sequential, head: Sequential)
  {
    guard let plan = ResNetLayout(depth: c.depth) else { throw ModelConfigError("unsupported resnet depth \(c.depth)") }
    let paper = plan.isPaperStyle
    let expansion = plan.bottleneck ? PreActBottleneck.expansion : 1
    var stem: [(String, Layer)] = [(paper ? "conv1" : "stem", Conv2d(c.inputShape[0], c.width, kernel: 3, padding: 1, bias: false, initialization: c.initialization, layout: layout, inputLayout: layout.imageLayout, rng: &rng))]
    if paper { stem += [("bn1", BatchNorm(c.width, layout: layout)), ("relu0", ReLU())] }
    var stages: [(String, Layer)] = []
    var inPlanes = c.width
    for (s, count) in plan.blocks.enumerated() {
      let planes = c.width << s
      var blocks: [(String, Layer)] = []
      for b in 0..<count {
        let stride = (b == 0 && s > 0) ? 2 : 1
        let block: Layer = plan.bottleneck
          ? PreActBottleneck(inPlanes, planes, stride: stride, initialization: c.initialization, layout: layout, rng: &rng)
          : PreActBasicBlock(inPlanes, planes, stride: stride, initialization: c.initialization, layout: layout, rng: &rng)
        blocks.append(("\(b)", block))
        inPlanes = planes * expansion
      }
      let name = paper ? "layer\(s + 1)" : "stage\(s + 1)"
      stages.append((name, count == 1 && !paper ? blocks[0].1 : Sequential(blocks)))
    }
    var headLayers: [(String, Layer)] = [stages.removeLast()]
    if !paper { headLayers += [("bn", BatchNorm(inPlanes, layout: layout)), ("relu", ReLU())] }
    headLayers += [("pool", GlobalAvgPool(layout: layout)),
                   (paper ? "linear" : "fc", Linear(inputSize: inPlanes, outputSize: headOutputs ?? c.numClasses, initialization: c.initialization, rng: &rng))]
    return (Sequential(stem + stages), Sequential(headLayers))
  }
}
