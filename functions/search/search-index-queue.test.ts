import { describe, expect, it } from 'vitest';

import { SEARCHABLE_RESOURCES } from '../../shared/messaging/search-index-queue.js';
import { SEARCH_RESOURCE_NAMES } from './search-resources.js';

describe('search index queue contract', () => {
  it('names exactly the resources the search catalogue indexes', () => {
    expect([...SEARCHABLE_RESOURCES].sort()).toEqual([...SEARCH_RESOURCE_NAMES].sort());
  });
});
