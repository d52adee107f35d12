import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFromSchema } from './json-schema-generator';
import { createRandom } from './random';
import { createMockServer, type MockServer } from './index';

const schemas: Record<string, Record<string, unknown>> = {
  flat: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 3, maxLength: 20 },
      age: { type: 'integer', minimum: 0, maximum: 120 },
      score: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      active: { type: 'boolean' },
      nothing: { type: 'null' },
      color: { enum: ['red', 'green', 'blue'] },
    },
    required: ['name', 'age', 'score', 'active', 'nothing', 'color'],
    additionalProperties: false,
  },
  nested: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        minItems: 2,
        maxItems: 4,
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' },
            tags: { type: 'array', items: { type: 'string' } },
          },
          required: ['id', 'tags'],
          additionalProperties: false,
        },
      },
      when: { type: 'string', format: 'date-time' },
      maybe: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      kind: { type: ['string', 'null'] },
    },
    required: ['items', 'when', 'maybe', 'kind'],
    additionalProperties: false,
  },
  recursive: {
    type: 'object',
    properties: { root: { $ref: '#/$defs/node' } },
    required: ['root'],
    additionalProperties: false,
    $defs: {
      node: {
        type: 'object',
        properties: {
          label: { type: 'string' },
          children: { type: 'array', items: { $ref: '#/$defs/node' } },
        },
        required: ['label', 'children'],
        additionalProperties: false,
      },
    },
  },
  allOfConst: {
    allOf: [
      { type: 'object', properties: { a: { const: 'fixed' } }, required: ['a'] },
      {
        type: 'object',
        properties: { b: { type: 'number', multipleOf: 5, minimum: 10, maximum: 30 } },
        required: ['b'],
      },
    ],
  },
};

describe('generateFromSchema', () => {
  const ajv = new Ajv({ strict: false, validateFormats: false });

  it.each(Object.keys(schemas))('generates values valid against the %s schema for many seeds', (name) => {
    const validate = ajv.compile(schemas[name]!);
    for (let seed = 0; seed < 50; seed++) {
      const value = generateFromSchema(schemas[name], createRandom(seed));
      expect(validate(value), JSON.stringify({ value, errors: validate.errors })).toBe(true);
    }
  });

  it('is deterministic per seed', () => {
    const a = generateFromSchema(schemas.nested, createRandom(3));
    expect(generateFromSchema(schemas.nested, createRandom(3))).toEqual(a);
    expect(generateFromSchema(schemas.nested, createRandom(4))).not.toEqual(a);
  });
});

describe('structured output over HTTP', () => {
  let server: MockServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await createMockServer();
    client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterAll(() => server.close());

  it.each(Object.keys(schemas))('json_schema %s: the content validates against the schema', async (name) => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const validate = ajv.compile(schemas[name]!);
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: `Give me ${name}` }],
      response_format: {
        type: 'json_schema' as const,
        json_schema: { name, schema: schemas[name], strict: true },
      },
    };
    const completion = await client.chat.completions.create(request);
    const content = completion.choices[0]!.message.content!;
    expect(validate(JSON.parse(content))).toBe(true);
    const again = await client.chat.completions.create(request);
    expect(again.choices[0]!.message.content).toBe(content);
  });
});
