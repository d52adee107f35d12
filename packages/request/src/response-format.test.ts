import { expect, it } from 'vitest';
import { z } from 'zod';
import { zodResponseFormat } from './response-format';

it('closes every object and sends optional properties as nullable', () => {
  const schema = z.object({
    name: z.string(),
    tags: z.array(z.object({ label: z.string(), weight: z.number().optional() })),
    kind: z.enum(['a', 'b']),
  });
  const format = zodResponseFormat(schema, 'My Schema!');
  expect(format.json_schema.name).toBe('My_Schema_');
  expect(format.json_schema.strict).toBe(true);
  const root = format.json_schema.schema as any;
  expect(root.$schema).toBeUndefined();
  expect(root.additionalProperties).toBe(false);
  expect(root.required).toEqual(['name', 'tags', 'kind']);
  const item = root.properties.tags.items;
  expect(item.additionalProperties).toBe(false);
  expect(item.required).toEqual(['label', 'weight']);
  expect(item.properties.weight).toEqual({ anyOf: [{ type: 'number' }, { type: 'null' }] });
});
