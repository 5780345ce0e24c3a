import { applyMention, findMentionQuery } from './mention';

describe('findMentionQuery', () => {
  it('when the caret follows a lone "@", then the query is empty', () => {
    expect(findMentionQuery('hello @', 7)).toEqual({ start: 6, query: '' });
  });
  it('when the caret is inside "@me", then the query is "me"', () => {
    expect(findMentionQuery('@Me', 3)).toEqual({ start: 0, query: 'me' });
  });
  it('when the "@" is part of an email address, then there is no mention', () => {
    expect(findMentionQuery('mail bob@ex', 11)).toBeNull();
  });
  it('when a space follows the mention, then the picker closes', () => {
    expect(findMentionQuery('@mem ', 5)).toBeNull();
  });
});

describe('applyMention', () => {
  it('when an agent is chosen, then the partial word becomes the name and a space', () => {
    expect(applyMention('ask @m', { start: 4, query: 'm' }, '@mem')).toEqual({ text: 'ask @mem ', caret: 9 });
  });
  it('when text follows the caret, then it is kept', () => {
    expect(applyMention('@ remember', { start: 0, query: '' }, '@mem')).toEqual({ text: '@mem remember', caret: 5 });
  });
});
