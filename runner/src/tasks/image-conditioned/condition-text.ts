import type * as ort from 'onnxruntime-node';
import type { TextEncoderSpec } from '../../../../contracts/manifest/text-conditioning.schemas.js';
import { suiteTextMismatch, type ImageConditionedSuiteDefinition } from '../../../../contracts/suites/image-conditioned-suite.schemas.js';
import type { SuiteInputs } from '../../conditions/suite-inputs.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import type { ExecutionProvider } from '../../evaluation/onnx-session.js';
import { TextConditioning } from '../../text/text-conditioning.js';
import type { EvaluationInput } from '../task-family.js';

/**
 * The text conditioning of a text-and-image model on an image-conditioned suite (issue #17): its own text
 * encoder and tokenizer (runner/src/text/text-conditioning.ts, the text-to-image handling), fed the suite's
 * text for each input — instruction i, or caption i. Undefined for a model without a text encoder.
 */
export class ConditionText {
  private constructor(
    readonly text: TextConditioning,
    private readonly lines: readonly string[],
  ) {}

  static async open(
    input: EvaluationInput,
    spec: TextEncoderSpec | undefined,
    suite: ImageConditionedSuiteDefinition,
    inputs: SuiteInputs,
    ep: ExecutionProvider,
  ): Promise<ConditionText | undefined> {
    const why = suiteTextMismatch(suite, spec !== undefined);
    if (why) throw new ModelFailure(why);
    if (!spec) return undefined;
    if (!inputs.text) throw new Error(`suite ${suite.id}: its inputs carry no text`);
    return new ConditionText(await TextConditioning.open(input.textEncoder, input.tokenizer, spec, ep), inputs.text.lines);
  }

  /** Refuses a graph without the context input, or one that cannot take the encoding (text-conditioning.ts). */
  checkFits(session: ort.InferenceSession, contextInput: string, what: string): void {
    this.text.checkFits(session, contextInput, what);
  }

  /** The encodings of the texts of inputs `indices`, rows of `rowShape`. */
  encode(indices: readonly number[]): Promise<Float32Array> {
    return this.text.encode(
      indices.map((i) => this.lines[i]!),
      indices,
    );
  }

  get rowShape(): number[] {
    return this.text.rowShape;
  }

  close(): Promise<void> {
    return this.text.close();
  }
}
