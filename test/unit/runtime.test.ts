describe('toolchain', () => {
  it('runs on Node 22, the Lambda runtime (node@22 from devDependencies is first on the npm script PATH)', () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
  });
});
