declare const _default: {
    fetch(): Promise<Response>;
};
export default _default;
